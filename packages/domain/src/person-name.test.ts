import { firstNameOf } from './person-name';

describe('firstNameOf', () => {
  it.each([
    ['Иванов Иван Иванович', 'Иван'],
    ['Петров Пётр', 'Пётр'],
    ['Иван Петров', 'Иван'],
    ['Алексей Иванов', 'Алексей'],
    ['Ковальчук Олег', 'Олег'],
    ['Сергей Шевченко', 'Сергей'],
    // Both words look alike: the onboarding's order (surname first) decides.
    ['Валентин Сорокин', 'Сорокин'],
    ['Сорокин Валентин', 'Валентин'],
    ['Мария', 'Мария'],
    ['  Смирнова   Анна  ', 'Анна'],
    ['', ''],
  ])('%s → %s', (full, first) => {
    expect(firstNameOf(full)).toBe(first);
  });

  it('copes with null', () => {
    expect(firstNameOf(null)).toBe('');
  });
});
