import { generateClient } from '@sgdscope/graphql-client';

const schema = `
  enum Status { DONE FAILED }
  type Run { id: ID! name: String! status: Status! loss: Float }
  type Query { run(id: ID!): Run }
`;
const operations = `query RunName($id: ID!) { run(id: $id) { name status loss } }`;

process.stdout.write(generateClient(schema, [{ name: 'example.graphql', body: operations }]));
