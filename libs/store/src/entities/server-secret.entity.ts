import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMsColumn } from './columns';

/** A secret every instance on the store shares, generated on first start (e.g. the key that seals SRIs). */
@Entity('server_secret')
export class ServerSecretEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  value: string;

  @Column({ name: 'created_at', ...epochMsColumn() })
  createdAt: number;
}
