import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/** One attribute of a user; (name, value) is indexed so any attribute can find its users. */
@Entity('user_attribute')
@Index('IDX_user_attribute_lookup', ['name', 'value'])
@Index('UQ_user_attribute_user_name', ['userId', 'name'], { unique: true })
export class UserAttributeEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId: string;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'varchar', length: 1024 })
  value: string;

  @ManyToOne(() => UserEntity, (u) => u.attributes, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;
}
