// Validates an OpenAPI (Swagger 2.0) description against the specification's
// schema and its rules (unique operation ids, path parameters declared, ...).
//   node validate_openapi.js FILE
'use strict';
const SwaggerParser = require('@apidevtools/swagger-parser');

const file = process.argv[2];
SwaggerParser.validate(file)
  .then((api) => {
    const operations = Object.values(api.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    console.log(`${file}: valid Swagger ${api.swagger}, ${operations} operations`);
  })
  .catch((error) => {
    console.error(`${file}: INVALID: ${error.message}`);
    process.exit(1);
  });
