#!/usr/bin/env node
// The `genre-tagger` command. Runs the TypeScript sources directly with Node's built-in type stripping
// (Node >= 22.18), so the CLI needs no build step; after `npm run build`, jobs' threads run from the build while it
// matches the sources (src/main/cli/index.ts).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `genre-tagger needs Node.js 22.18 or newer (this is ${process.versions.node}). ` +
      'Install a current Node.js from https://nodejs.org or with your package manager.\n',
  );
  process.exit(1);
}
// `genre-tagger list | head` closes the pipe early: stop quietly, as other command-line tools do, instead of
// crashing with an unhandled EPIPE.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src/main/cli/index.ts');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
