// The headless entry of @app/admin: the admin services and their DTOs for a host without HTTP
// (the admin CLI), with none of the controllers loaded.
export * from './admin-core.module';
export * from './admin/client-admin.service';
export * from './admin/dto/client.dto';
export * from './admin/dto/feature-flag.dto';
export * from './admin/dto/notification.dto';
export * from './admin/dto/session.dto';
export * from './admin/dto/signing-key.dto';
export * from './admin/dto/user.dto';
export * from './admin/feature-flag-admin.service';
export * from './admin/notification-admin.service';
export * from './admin/session-admin.service';
export * from './admin/user-admin.service';
export * from './provisioning/export.service';
export * from './provisioning/provisioning.service';
export { MERGE_PATCH_TYPE } from './validation/merge-patch';
export * from './validation/validate-dto';
