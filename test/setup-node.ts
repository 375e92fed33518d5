import { installNodePlatform } from '../src/cli/node-platform';

installNodePlatform();
