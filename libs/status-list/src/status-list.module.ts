import { Global, Module } from '@nestjs/common';
import { EntryWriter } from './allocation/entry-writer.service';
import { StatusListIssuance } from './allocation/status-list-issuance.service';
import { StatusListController } from './serving/status-list.controller';
import { StatusListPublisher } from './serving/status-list-publisher.service';
import { StatusListTracker } from './state/status-list-tracker.service';
import { StatusListDiscovery } from './status-list-discovery';
import { StatusListEntryRepository } from './store/status-list-entry.repository';
import { StatusListRepository } from './store/status-list.repository';

/**
 * Token Status Lists (draft-ietf-oauth-status-list) for the JWTs this server issues: an index
 * for each at issuance (StatusListIssuance, which TokenIssuer asks when the module is mounted),
 * the lists at `/statuslists/{id}` and their aggregation at `/statuslists`, kept current from
 * the revocation feed. Needs AppConfigModule, StoreModule and AuthModule (all global) in the
 * host. Global, so that OAuthModule's TokenIssuer and RFC 7009 find StatusListIssuance.
 */
@Global()
@Module({
  controllers: [StatusListController],
  providers: [
    StatusListRepository, StatusListEntryRepository, EntryWriter, StatusListIssuance, StatusListPublisher, StatusListTracker, StatusListDiscovery,
  ],
  exports: [StatusListIssuance, StatusListTracker],
})
export class StatusListModule {}
