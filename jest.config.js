// All unit test projects in one run (`make test` uses it); each project also runs alone via `nx test <name>`.
module.exports = { projects: ['<rootDir>/apps/*/jest.config.js', '<rootDir>/libs/*/jest.config.js'] };
