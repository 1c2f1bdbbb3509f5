module.exports = { ...require('../../jest.preset.js'), displayName: 'host-policy', rootDir: __dirname };
