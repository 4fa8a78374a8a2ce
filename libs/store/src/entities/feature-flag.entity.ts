import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMsColumn } from './columns';

@Entity('feature_flag')
export class FeatureFlagEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ name: 'updated_at', ...epochMsColumn() })
  updatedAt: number;
}
