// Entry for scripts/fuzz.mjs: the Node platform hooks (space-group tables) and the harness.
import { installNodePlatform } from '../src/cli/node-platform';

installNodePlatform();
export { runFuzz } from '../test/io/fuzz-harness';
