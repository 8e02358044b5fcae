// Hardhat Network only: the anchoring tests talk JSON-RPC to `npx hardhat node --hostname 127.0.0.1`.
module.exports = { networks: { hardhat: { chainId: 31337 } } };
