import type { Provider } from '@nestjs/common';
import { StoreUserDirectory } from './store-user-directory';
import { USER_DIRECTORY, UserDirectoryBinding } from './user-directory';

/** Binds USER_DIRECTORY in a module: to the host's directory when given, else to the store's users (StoreUserDirectory). */
export function userDirectoryProvider(binding?: UserDirectoryBinding): Provider {
  if (binding === undefined) return { provide: USER_DIRECTORY, useClass: StoreUserDirectory };
  if (typeof binding === 'function') return { provide: USER_DIRECTORY, useClass: binding };
  return { provide: USER_DIRECTORY, useValue: binding };
}
