// `node --import ./examples/support/register.mjs`: installs workspace-hooks.mjs (see there).
import { register } from 'node:module';

register('./workspace-hooks.mjs', import.meta.url);
