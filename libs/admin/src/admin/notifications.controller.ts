import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { QueryParams } from '../validation/query-params';
import { IntQuery } from '../validation/valid-body.pipe';
import { AdminApi, ApiConflict, ApiInvalidRequest, ApiNotFound } from './admin-api.decorators';
import { NotificationViewDto } from './dto/notification.dto';
import { NotificationAdminService, parseStatuses } from './notification-admin.service';
import { MAX_PAGE } from './user-admin.service';

@Controller('admin/notifications')
@Audited()
@AdminApi()
export class NotificationsController {
  constructor(private readonly notifications: NotificationAdminService) {}

  @Get()
  @ApiOperation({
    summary: 'List session-ended notifications',
    description: 'Back-channel logout tokens and CAEP session-revoked events in the outbox, newest first. By default those not delivered: pending (waiting for an attempt or a retry) and failed (gave up after NOTIFICATION_MAX_ATTEMPTS).',
  })
  @QueryParams('status', 'limit', 'offset')
  @ApiQuery({ name: 'status', required: false, description: 'pending, delivered, failed (comma-separated), or all', example: 'pending,failed' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiOkResponse({ type: [NotificationViewDto] })
  @ApiInvalidRequest('invalid_request: an unknown status, a bad limit or offset')
  list(
    @Query('status') status: string | undefined,
    @Query('limit', new IntQuery('limit', 1, MAX_PAGE, 100)) limit: number,
    @Query('offset', new IntQuery('offset', 0, 1_000_000_000, 0)) offset: number,
  ): Promise<NotificationViewDto[]> {
    return this.notifications.list(parseStatuses(typeof status === 'string' ? status : undefined), limit, offset);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a notification again', description: 'A failed or pending notification is sent at once, with a fresh retry budget.' })
  @ApiParam({ name: 'id', description: 'The notification id' })
  @ApiOkResponse({ type: NotificationViewDto })
  @ApiNotFound('notification')
  @ApiConflict('the notification was already delivered')
  retry(@Param('id') id: string): Promise<NotificationViewDto> {
    return this.notifications.retry(id);
  }
}
