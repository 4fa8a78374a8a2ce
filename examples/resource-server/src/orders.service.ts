import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';

export interface Order {
  id: string;
  item: string;
  createdAt: string;
}

/** The example's business: each subject's orders, in memory. Knows nothing of tokens or HTTP. */
@Injectable()
export class OrdersService {
  private readonly bySubject = new Map<string, Order[]>();

  of(subject: string): Order[] {
    return this.bySubject.get(subject) ?? [];
  }

  place(subject: string, item: string): Order {
    const order = { id: randomUUID(), item, createdAt: new Date().toISOString() };
    this.bySubject.set(subject, [...this.of(subject), order]);
    return order;
  }
}

/** A valid item name, or undefined: the example takes short printable text only. */
export function itemOf(body: unknown): string | undefined {
  const item = (body as { item?: unknown } | null | undefined)?.item;
  return typeof item === 'string' && /^[\x20-\x7e]{1,100}$/.test(item) ? item : undefined;
}
