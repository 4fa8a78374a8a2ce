import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserAttributeEntity, UserEntity } from '../entities';
import { Transactor } from '../transactor';

export interface UserWithAttributes {
  user: UserEntity;
  attributes: Record<string, string>;
}

/** What a user listing keeps: users holding every one of these attributes with exactly this value, and of this state. */
export interface UserFilter {
  attributes?: Record<string, string>;
  disabled?: boolean;
}

/** A partial change of a user: members left out stay; an attribute set to null is removed. */
export interface UserChange {
  passwordHash?: string | null;
  disabled?: boolean;
  attributes?: Record<string, string | null>;
}

@Injectable()
export class UserRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(UserAttributeEntity) private readonly attributes: Repository<UserAttributeEntity>,
    private readonly tx: Transactor,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /**
   * Users whose attribute `name` equals `value`, oldest first (then by id), so "the first
   * found" is the same on every call and every store.
   */
  async findByAttribute(name: string, value: string, limit = 50): Promise<UserEntity[]> {
    return this.users
      .createQueryBuilder('u')
      .innerJoin(UserAttributeEntity, 'a', 'a.user_id = u.id')
      .where('a.name = :name AND a.value = :value', { name, value })
      .orderBy('u.created_at', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * Users holding any attribute in `names` with any value in `values`: the first of them in the
   * order of findByAttribute (oldest, then by id), and how many distinct users match.
   */
  async firstByAttributes(names: string[], values: string[]): Promise<{ user: UserEntity | null; matches: number }> {
    if (names.length === 0 || values.length === 0) return { user: null, matches: 0 };
    const where = 'a.name IN (:...names) AND a.value IN (:...values)';
    const counted = await this.attributes
      .createQueryBuilder('a')
      .select('COUNT(DISTINCT a.user_id)', 'n')
      .where(where, { names, values })
      .getRawOne<{ n: string | number }>();
    const matches = Number(counted?.n ?? 0);
    if (matches === 0) return { user: null, matches };
    const user = await this.users
      .createQueryBuilder('u')
      .innerJoin(UserAttributeEntity, 'a', 'a.user_id = u.id')
      .where(where, { names, values })
      .orderBy('u.created_at', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .limit(1)
      .getOne();
    return { user, matches };
  }

  async attributesOf(userId: string): Promise<Record<string, string>> {
    const rows = await this.attributes.find({ where: { userId }, order: { name: 'ASC' } });
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  /** Whether the user exists and is disabled: checked before a sign-in, a password grant or a refresh gives them tokens. */
  async isDisabled(id: string): Promise<boolean> {
    return (await this.users.findOne({ select: { id: true, disabled: true }, where: { id } }))?.disabled === true;
  }

  /** Users oldest first (then by id), with their attributes; `filter` keeps those matching all it names. */
  async list(limit = 100, offset = 0, filter: UserFilter = {}): Promise<UserWithAttributes[]> {
    const query = this.users.createQueryBuilder('u').orderBy('u.created_at', 'ASC').addOrderBy('u.id', 'ASC').limit(limit).offset(offset);
    Object.entries(filter.attributes ?? {}).forEach(([name, value], i) => {
      query.innerJoin(UserAttributeEntity, `a${i}`, `a${i}.user_id = u.id AND a${i}.name = :name${i} AND a${i}.value = :value${i}`, { [`name${i}`]: name, [`value${i}`]: value });
    });
    if (filter.disabled !== undefined) query.andWhere('u.disabled = :disabled', { disabled: filter.disabled });
    const users = await query.getMany();
    if (users.length === 0) return [];
    const rows = await this.attributes.createQueryBuilder('a').where('a.user_id IN (:...ids)', { ids: users.map((u) => u.id) }).getMany();
    return users.map((user) => ({
      user,
      attributes: Object.fromEntries(rows.filter((r) => r.userId === user.id).map((r) => [r.name, r.value])),
    }));
  }

  /** Creates or updates a user and replaces the attributes named in `attributes`, in one transaction. */
  async upsert(user: Pick<UserEntity, 'id'> & Partial<UserEntity>, attributes: Record<string, string>, txm?: EntityManager): Promise<UserEntity> {
    return this.tx.with(txm, async (em) => {
      const now = Date.now();
      const existing = await em.findOneBy(UserEntity, { id: user.id });
      const saved = await em.save(UserEntity, {
        ...(existing ?? { createdAt: now, passwordHash: null }),
        ...user,
        updatedAt: now,
      } as UserEntity);
      for (const [name, value] of Object.entries(attributes)) {
        const row = await em.findOneBy(UserAttributeEntity, { userId: user.id, name });
        if (row) {
          if (row.value !== value) await em.update(UserAttributeEntity, { id: row.id }, { value });
        } else {
          await em.insert(UserAttributeEntity, { userId: user.id, name, value });
        }
      }
      return saved;
    });
  }

  /** Applies a partial change in one transaction; false when there is no such user. */
  async change(id: string, change: UserChange, txm?: EntityManager): Promise<boolean> {
    return this.tx.with(txm, async (em) => {
      const columns = {
        ...(change.passwordHash !== undefined ? { passwordHash: change.passwordHash } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      };
      // `id` among the values too: the store's listeners (Shared Signals change events) learn whose record changed.
      const updated = await em.update(UserEntity, { id }, { id, ...columns, updatedAt: Date.now() });
      if ((updated.affected ?? 0) === 0) return false;
      const attributes = Object.entries(change.attributes ?? {});
      const removed = attributes.filter(([, value]) => value === null).map(([name]) => name);
      if (removed.length > 0) await em.createQueryBuilder().delete().from(UserAttributeEntity).where('user_id = :id AND name IN (:...removed)', { id, removed }).execute();
      const kept = attributes.filter((entry): entry is [string, string] => entry[1] !== null);
      if (kept.length > 0) await this.upsert({ id }, Object.fromEntries(kept), em);
      return true;
    });
  }

  async delete(id: string, em?: EntityManager): Promise<boolean> {
    const result = await this.tx.with(em, (m) => m.delete(UserEntity, { id }));
    return (result.affected ?? 0) > 0;
  }
}
