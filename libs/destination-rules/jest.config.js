module.exports = { ...require('../../jest.preset.js'), displayName: 'destination-rules', rootDir: __dirname };
