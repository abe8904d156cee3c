import { describe, expect, it } from 'vitest';
import { UnsentWorkError, prepareDbFor } from '../../src/state';
import * as state from '../../src/state';

// A shared phone: the next user's login never deletes work of the previous one that has not
// reached the server; once it has, the previous user's copy is wiped.
describe('a device changing hands', () => {
  it('refuses the new user while the previous one has unsent work, then wipes the copy', async () => {
    await prepareDbFor(1);
    await state.db.outbox.put({ n: 1, kind: 'note.put', data: { client_id: 'c', store_id: 3, text: 'x' }, created_at: 0, status: 'pending' });
    await state.db.stores.put({ id: 3, name: 'Super A' });

    await expect(prepareDbFor(2)).rejects.toBeInstanceOf(UnsentWorkError);
    expect(await state.db.outbox.count()).toBe(1);
    expect(await state.db.getMeta('owner_user_id', null)).toBe(1);

    await prepareDbFor(1);  // the same user again: nothing is touched
    expect(await state.db.outbox.count()).toBe(1);

    await state.db.outbox.clear();  // sent
    await prepareDbFor(2);
    expect(await state.db.stores.count()).toBe(0);
    expect(await state.db.getMeta('owner_user_id', null)).toBe(2);
  });
});
