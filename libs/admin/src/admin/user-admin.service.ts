import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { conflict, notFound } from '@app/common';
import { hashSecret } from '@app/auth';
import { SessionTerminator } from '@app/sessions';
import { RevokedSriRepository, Transactor, UserEntity, UserFilter, UserRepository, UserSuspensionRepository, WatermarkRepository } from '@app/store';
import { UserInputDto, UserPatchDto, UserViewDto } from './dto/user.dto';

export const MAX_PAGE = 500;

export function toUserView(user: UserEntity, attributes: Record<string, string>): UserViewDto {
  return {
    sub: user.id,
    attributes,
    has_password: user.passwordHash !== null,
    disabled: user.disabled === true,
    created_at: new Date(user.createdAt).toISOString(),
    updated_at: new Date(user.updatedAt).toISOString(),
  };
}

/** Users for the admin API: subject ids, attributes and hashed passwords (never shown). */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly users: UserRepository,
    private readonly terminator: SessionTerminator,
    private readonly revokedSris: RevokedSriRepository,
    private readonly watermarks: WatermarkRepository,
    private readonly suspensions: UserSuspensionRepository,
    private readonly tx: Transactor,
  ) {}

  /** Users oldest first; `filter` keeps those holding every attribute value it names (and of its disabled state). */
  async list(limit = 100, offset = 0, filter: UserFilter = {}): Promise<UserViewDto[]> {
    const page = await this.users.list(Math.min(Math.max(limit, 1), MAX_PAGE), Math.max(offset, 0), filter);
    return page.map(({ user, attributes }) => toUserView(user, attributes));
  }

  async get(sub: string): Promise<UserViewDto> {
    const user = await this.require(sub);
    return toUserView(user, await this.users.attributesOf(sub));
  }

  /** Creates a user; the uid (and the sub, when given) must be free. */
  async create(dto: UserInputDto): Promise<UserViewDto> {
    if (dto.sub && (await this.users.findById(dto.sub))) throw conflict(`A user with the sub "${dto.sub}" exists.`);
    if ((await this.users.findByAttribute('uid', dto.uid, 1)).length > 0) throw conflict(`A user with the uid "${dto.uid}" exists.`);
    const id = dto.sub ?? randomUUID();
    const passwordHash = dto.password === undefined ? null : await hashSecret(dto.password);
    const attributes = { ...(dto.attributes ?? {}), uid: dto.uid };
    const user = await this.users.upsert({ id, passwordHash }, attributes);
    return toUserView(user, await this.users.attributesOf(id));
  }

  /**
   * Changes some of a user: attributes set or removed, the password set or removed, disabled or
   * enabled; the rest stays. A new uid must be free.
   */
  async update(sub: string, dto: UserPatchDto): Promise<UserViewDto> {
    await this.require(sub);
    const uid = dto.attributes?.uid;
    if (typeof uid === 'string' && (await this.users.findByAttribute('uid', uid, 2)).some((u) => u.id !== sub)) throw conflict(`A user with the uid "${uid}" exists.`);
    const passwordHash = dto.password === undefined ? undefined : dto.password === null ? null : await hashSecret(dto.password);
    const changed = await this.users.change(sub, { passwordHash, disabled: dto.disabled, attributes: dto.attributes });
    if (!changed) throw notFound(`No user with the sub "${sub}".`);
    return this.get(sub);
  }

  /**
   * Deletes a user. Their sessions are revoked (and their SRIs listed) and their tokens
   * stop working through the "valid after" watermark, in the same transaction, so nothing
   * they held outlives them.
   */
  async remove(sub: string, actor: string | null): Promise<void> {
    await this.require(sub);
    const now = Date.now();
    const deleted = await this.tx.run(async (em) => {
      await this.terminator.end({ userId: sub }, { reason: 'user_deleted', by: actor, at: now, initiatingEntity: 'admin' }, em);
      await this.revokedSris.listSessionsEndedAt(sub, now, actor, em);
      await this.watermarks.raise(sub, now, 'user_deleted', em);
      // A user created again under this sub starts without the hold.
      await this.suspensions.resume(sub, em);
      return this.users.delete(sub, em);
    });
    if (!deleted) throw notFound(`No user with the sub "${sub}".`);
  }

  /**
   * Suspends a user: a reversible hold. Every token of theirs answers inactive at introspection
   * and SUSPENDED in the status lists until they are resumed; their sessions live on.
   */
  async suspend(sub: string, actor: string | null): Promise<void> {
    await this.require(sub);
    await this.suspensions.suspend(sub, actor);
  }

  /** Lifts a suspension: tokens not otherwise revoked are good again. Resuming a user who is not suspended changes nothing. */
  async resume(sub: string): Promise<void> {
    await this.require(sub);
    await this.suspensions.resume(sub);
  }

  async require(sub: string): Promise<UserEntity> {
    const user = await this.users.findById(sub);
    if (!user) throw notFound(`No user with the sub "${sub}".`);
    return user;
  }
}
