// Preloaded (`node -r`) into the server under test for the instruction count of issuance without
// the Token Status List: the server has no setting that turns it off, so this makes
// StatusListIssuance.forResponse answer nothing, which is what TokenIssuer meets when the module
// is not mounted (its `statusLists?.` calls): no `status` claim, no index, no entry. The lists
// are still served and tracked; only issuance skips them. Bench only; nothing else loads it.
require('reflect-metadata'); // before any decorated class, or Nest loses the constructor types
const { dirname, join } = require('node:path');

// process.argv[1] is the server's dist/apps/server/src/main.js.
const dist = join(dirname(process.argv[1]), '..', '..', '..');
const { StatusListIssuance } = require(join(dist, 'libs', 'status-list', 'src', 'allocation', 'status-list-issuance.service'));
StatusListIssuance.prototype.forResponse = () => undefined;
