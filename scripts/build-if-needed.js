#!/usr/bin/env node
// Builds dist/ from src/ when dist/ is missing or older than any source file
// or build setting, so that `npm start` works on a fresh checkout and stays
// quick afterwards. On an install pruned for production (no build tools),
// it starts the build that is there.
const { execFileSync } = require('node:child_process');
const { readdirSync, statSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', 'main.js');

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function nestCli() {
  try {
    return require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] });
  } catch {
    return null;
  }
}

const sources = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'].map((name) => join(root, name)).filter(existsSync);
const built = existsSync(stamp);
if (!built || Math.max(...sources.map(newestMtime)) > statSync(stamp).mtimeMs) {
  const cli = nestCli();
  if (cli) {
    process.stderr.write('Building Looptrace…\n');
    execFileSync(process.execPath, [cli, 'build'], { cwd: root, stdio: 'inherit' });
  } else if (built) {
    process.stderr.write('The build tools are not installed (a production install); starting the build in dist/.\n');
  } else {
    process.stderr.write('There is no build in dist/ and no build tools to make one: run `npm ci` and `npm run build` first.\n');
    process.exit(1);
  }
}
