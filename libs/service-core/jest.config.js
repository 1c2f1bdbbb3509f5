module.exports = { ...require('../../jest.preset.js'), displayName: 'service-core', rootDir: __dirname };
