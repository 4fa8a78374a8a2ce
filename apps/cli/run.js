#!/usr/bin/env node
'use strict';
/** `npm run cli -- …`: the admin CLI, built first when dist/ is stale (see ../run-built.js). */
require('../run-built').runBuilt('cli');
