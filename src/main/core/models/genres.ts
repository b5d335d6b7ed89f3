/** The ten GTZAN genres, in the label order every shipped model uses (alphabetical, as in the Kaggle table). */
export const gtzanGenres = ['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock'] as const;
export type GtzanGenre = (typeof gtzanGenres)[number];
