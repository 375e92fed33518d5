import { execFileSync } from 'node:child_process';

/** The CLI tests run the bundled CLI exactly as users do; bundle it once from the current sources. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
}
