import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    // An exception here is a bug, not bad input: say so plainly.
    process.stderr.write(`internal error (please report): ${(e as Error).stack ?? e}\n`);
    process.exitCode = 3;
  },
);
