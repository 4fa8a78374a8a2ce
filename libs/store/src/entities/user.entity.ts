import { Column, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import { epochMsColumn } from './columns';
import { UserAttributeEntity } from './user-attribute.entity';

/** A user: a stable subject id (`sub`) and attributes looked up by name (uid, mail, phone_number…). */
@Entity('app_user')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  /** scrypt hash of the password; null for users who cannot sign in with one. */
  @Column({ name: 'password_hash', type: 'varchar', length: 512, nullable: true })
  passwordHash: string | null;

  /** A disabled user cannot sign in, get tokens with a password or refresh them; what they hold already lives on. */
  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;

  @Column({ name: 'updated_at', ...epochMsColumn() })
  updatedAt: number;

  @OneToMany(() => UserAttributeEntity, (a) => a.user, { cascade: true })
  attributes?: UserAttributeEntity[];
}
