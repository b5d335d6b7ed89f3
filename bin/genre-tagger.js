#!/usr/bin/env node
// The `genre-tagger` command. Runs the TypeScript sources directly with Node's built-in type stripping
// (Node >= 22.18), so the CLI needs no build step.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `genre-tagger needs Node.js 22.18 or newer (this is ${process.versions.node}). ` +
      'Install a current Node.js from https://nodejs.org or with your package manager.\n',
  );
  process.exit(1);
}
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
