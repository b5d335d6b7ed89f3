/** A report's name for a model: "personal personal-2026…" (an earlier personal version) reads as the version alone. */
export function modelName(name: string): string {
  return name.replace(/^personal (?=personal-)/, '');
}
