/** scrypt's cheapest accepted cost, for keychain files whose KDF is not what a test is about. */
export const TEST_COST = { N: 2 ** 10, r: 8, p: 1 };
