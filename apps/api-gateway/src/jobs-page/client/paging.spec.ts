import { currentCursor, fileListQuery, FIRST_PAGE, jobListQuery, nextPage, pageNumber, previousPage } from './paging';

describe('paging', () => {
  it('walks forward with each nextCursor and back along the cursors already used', () => {
    const second = nextPage(FIRST_PAGE, 'c2');
    const third = nextPage(second, 'c3');
    expect([pageNumber(FIRST_PAGE), pageNumber(second), pageNumber(third)]).toEqual([1, 2, 3]);
    expect([currentCursor(FIRST_PAGE), currentCursor(second), currentCursor(third)]).toEqual([null, 'c2', 'c3']);
    expect(previousPage(third)).toEqual(second);
    expect(previousPage(previousPage(second))).toEqual(FIRST_PAGE);
    expect(FIRST_PAGE).toEqual({ cursors: [null] });
  });

  it('sends only the filters that are set, each escaped', () => {
    expect(jobListQuery({ status: '', name: '', limit: 20 }, null)).toBe('?limit=20');
    expect(jobListQuery({ status: 'done', name: 'march_25', limit: 50 }, 'abc-_')).toBe(
      '?limit=50&status=done&name=march_25&cursor=abc-_',
    );
    expect(jobListQuery({ status: '', name: 'a&b=c', limit: 20 }, null)).toBe('?limit=20&name=a%26b%3Dc');
    expect(fileListQuery(100, null)).toBe('?limit=100');
    expect(fileListQuery(100, 'WyJmIiwxMDBd')).toBe('?limit=100&cursor=WyJmIiwxMDBd');
  });
});
