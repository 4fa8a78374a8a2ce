import { canonicalSubject, subjectKey, subjectMatches, subjectProblem } from './subject-identifiers';

const jane = { format: 'email', email: 'jane@example.com' };
const janeIssSub = { format: 'iss_sub', iss: 'https://idp.example', sub: 'u-1' };
const tenant = { format: 'opaque', id: 'tenant-7' };

describe('subjectProblem', () => {
  it('accepts the profile\'s formats and complex subjects of them', () => {
    for (const s of [jane, janeIssSub, tenant, { format: 'complex', user: jane, tenant }]) expect(subjectProblem(s)).toBeNull();
  });

  it('names what is wrong', () => {
    expect(subjectProblem({ format: 'phone_number', phone_number: '+1' })).toMatch(/is not supported/);
    expect(subjectProblem({ format: 'iss_sub', iss: 'x' })).toBe('subject.sub must be a string of 1 to 1024 characters');
    expect(subjectProblem({ format: 'complex', user: { format: 'complex', user: jane } })).toBe('subject.user may not be complex inside a complex subject');
    expect(subjectProblem({ format: 'complex', pet: tenant })).toMatch(/^subject\.pet is not a complex subject member/);
    expect(subjectProblem({ ...jane, phone: '1' })).toBe('subject.phone is not a member of the email format');
  });
});

describe('subjectMatches (SSF 1.0 §8.1.3.1)', () => {
  it('simple subjects match when identical, whatever the order of their members', () => {
    expect(subjectMatches({ sub: 'u-1', format: 'iss_sub', iss: 'https://idp.example' }, janeIssSub)).toBe(true);
    expect(subjectMatches(jane, { format: 'email', email: 'john@example.com' })).toBe(false);
    expect(subjectKey({ sub: 'u-1', format: 'iss_sub', iss: 'https://idp.example' })).toBe(subjectKey(janeIssSub));
    expect(canonicalSubject(janeIssSub)).toBe('{"format":"iss_sub","iss":"https://idp.example","sub":"u-1"}');
  });

  it('follows the specification\'s three complex examples', () => {
    const event = { format: 'complex', tenant: { format: 'opaque', id: 'example-a38h4792-uw2' }, user: jane };
    expect(subjectMatches({ format: 'complex', tenant: { format: 'opaque', id: 'example-a38h4792-uw2' } }, event)).toBe(true);
    expect(subjectMatches({ format: 'complex', user: jane, device: { format: 'opaque', id: 'd-1' } }, { format: 'complex', user: jane })).toBe(true);
    expect(subjectMatches(
      { format: 'complex', user: jane, group: { format: 'opaque', id: 'g-1' } },
      { format: 'complex', user: jane, group: { format: 'opaque', id: 'g-2' } },
    )).toBe(false);
  });

  it('a simple subject matches a complex one that has it as a member; a complex one never matches a simple one', () => {
    expect(subjectMatches(jane, { format: 'complex', user: jane, session: { format: 'opaque', id: 's' } })).toBe(true);
    expect(subjectMatches(tenant, { format: 'complex', user: jane })).toBe(false);
    expect(subjectMatches({ format: 'complex', user: jane }, jane)).toBe(false);
  });
});
