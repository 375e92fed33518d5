// Entry for scripts/fuzz.mjs: the Node platform hooks (space-group tables), the reader and the CLI harnesses.
import { installNodePlatform } from '../src/cli/node-platform';

installNodePlatform();
export { runFuzz } from '../test/io/fuzz-harness';
export { runCliFuzz, CLI_SECONDS } from '../test/io/fuzz-cli';
