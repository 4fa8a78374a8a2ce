import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { AppConfig, loadAppConfig } from '@app/common';
import { ClientKeySets } from './auth/client-key-sets.service';
import { GlobalRevocationAuthGuard } from './auth/global-revocation-auth.guard';
import { JsonContentTypeGuard } from './auth/json-content-type.guard';
import { RevocationAssertionVerifier } from './auth/revocation-assertion.verifier';
import { GlobalRevocationService } from './global-revocation.service';
import { GlobalTokenRevocationController } from './global-token-revocation.controller';
import { RevocationDiscovery } from './revocation-discovery';
import { SubjectResolver } from './subject/subject-resolver.service';

/**
 * Global Token Revocation (Janssen's endpoint, the IETF draft, Okta Universal Logout). Served
 * under GLOBAL_TOKEN_REVOCATION_PREFIX (default `/jans-auth/restv1`), which is why it is a
 * dynamic module: the prefix is a route path, fixed when the application is built.
 */
@Module({})
export class RevocationModule {
  static forRoot(overrides: Partial<AppConfig> = {}): DynamicModule {
    const prefix = overrides.globalTokenRevocationPrefix ?? loadAppConfig().globalTokenRevocationPrefix;
    return {
      module: RevocationModule,
      imports: prefix ? [RouterModule.register([{ path: prefix, module: RevocationModule }])] : [],
      controllers: [GlobalTokenRevocationController],
      providers: [
        GlobalRevocationService, SubjectResolver, ClientKeySets, RevocationAssertionVerifier,
        JsonContentTypeGuard, GlobalRevocationAuthGuard, RevocationDiscovery,
      ],
      exports: [GlobalRevocationService],
    };
  }
}
