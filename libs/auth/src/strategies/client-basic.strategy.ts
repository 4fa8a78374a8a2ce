import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { BasicStrategy } from 'passport-http';
import { invalidRequest } from '@app/common';
import { ClientAuthenticator } from '../client-auth/client-authenticator.service';
import type { RequestAuth } from '../request-auth';

/**
 * client_secret_basic through passport-http. RFC 6749 §2.3.1: the id and secret are
 * form-urlencoded before base64, so they are decoded here; a bad encoding is a 400.
 */
@Injectable()
export class ClientBasicStrategy extends PassportStrategy(BasicStrategy, 'client-basic') {
  constructor(private readonly authenticator: ClientAuthenticator) {
    super({ passReqToCallback: false });
  }

  async validate(rawId: string, rawSecret: string): Promise<RequestAuth> {
    let clientId: string;
    let secret: string;
    try {
      clientId = decodeURIComponent(rawId.replace(/\+/g, ' '));
      secret = decodeURIComponent(rawSecret.replace(/\+/g, ' '));
    } catch {
      throw invalidRequest('The Basic credentials are not correctly form-urlencoded.');
    }
    return this.authenticator.authenticate(clientId, secret, 'client_secret_basic');
  }
}
