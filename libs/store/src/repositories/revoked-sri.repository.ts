import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { RevokedSriEntity } from '../entities';

@Injectable()
export class RevokedSriRepository {
  constructor(@InjectRepository(RevokedSriEntity) private readonly repo: Repository<RevokedSriEntity>) {}

  /** The entry for `sri`, if listed and not expired. */
  findListed(sri: string, now = Date.now()): Promise<RevokedSriEntity | null> {
    return this.repo.findOneBy({ sri, expiresAt: MoreThan(now) });
  }
}
