#!/usr/bin/env node
'use strict';
/** `npm start`: the server, built first when dist/ is stale (see ../run-built.js). */
require('../run-built').runBuilt('server');
