import { DynamicModule, Module } from '@nestjs/common';
import type { InitiatingEntity } from '@app/store';
import { UserDirectoryBinding, userDirectoryProvider } from '@app/users';
import { GlobalRevocationEventsModule } from './global-revocation-events';
import { GLOBAL_REVOCATION_INITIATOR, GlobalRevocationService } from './global-revocation.service';

export interface RevocationCoreOptions {
  /** How a sub_id resolves to users. Default: the store's users (StoreUserDirectory). */
  userDirectory?: UserDirectoryBinding;
  /** Who CAEP receivers are told started the revocations (default `policy`; the admin CLI says `admin`). */
  initiatingEntity?: InitiatingEntity;
}

/**
 * Global token revocation without HTTP: GlobalRevocationService and the user directory it
 * resolves subjects through. RevocationModule puts its endpoint on top of it; the admin CLI
 * uses it alone. Needs StoreModule and SessionsCoreModule (global) in the host.
 */
@Module({})
export class RevocationCoreModule {
  static forRoot(options: RevocationCoreOptions = {}): DynamicModule {
    return {
      module: RevocationCoreModule,
      imports: [GlobalRevocationEventsModule],
      providers: [
        GlobalRevocationService,
        userDirectoryProvider(options.userDirectory),
        ...(options.initiatingEntity ? [{ provide: GLOBAL_REVOCATION_INITIATOR, useValue: options.initiatingEntity }] : []),
      ],
      exports: [GlobalRevocationService],
    };
  }
}
