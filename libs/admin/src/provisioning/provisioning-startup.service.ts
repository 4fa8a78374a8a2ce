import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, StoreConfig } from '@app/common';
import { ClientRepository } from '@app/store';
import { ProvisioningService } from './provisioning.service';

export const ADMIN_SCOPE = 'admin';

/** Logged at start while no client can reach the admin API: there are no default credentials. */
export const FIRST_ADMIN_HINT =
  `No client has the scope "${ADMIN_SCOPE}", so nobody can use the admin API yet (there are no default credentials). ` +
  'Create the first admin client either with an import file (IMPORT_FILE=path.json, or `npm run cli -- import path.json`) listing a client ' +
  'whose "scopes" include "admin" and whose "grant_types" include "client_credentials", or with the CLI: ' +
  '`npm run cli -- clients create admin --scope admin --grant-type client_credentials`, which prints a random secret once. ' +
  'Then get a token with POST /token grant_type=client_credentials&scope=admin.';

/** At start: imports IMPORT_FILE (a bad file stops the start), then explains how to create the first admin client if there is none. */
@Injectable()
export class ProvisioningStartup implements OnApplicationBootstrap {
  private readonly logger = new Logger('Provisioning');

  constructor(
    @InjectConfig('store') private readonly store: StoreConfig,
    private readonly provisioning: ProvisioningService,
    private readonly clients: ClientRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.store.importFile) {
      const s = await this.provisioning.importFile(this.store.importFile);
      this.logger.log(
        `Imported ${this.store.importFile}: clients ${s.clients.created} created, ${s.clients.updated} updated, ${s.clients.unchanged} unchanged; ` +
          `users ${s.users.created} created, ${s.users.updated} updated, ${s.users.unchanged} unchanged; feature flags ${s.feature_flags}`,
      );
    }
    if ((await this.clients.findByScope(ADMIN_SCOPE)).length === 0) this.logger.warn(FIRST_ADMIN_HINT);
  }
}
