// Hardhat 2 network for the Zhengwu benchmark peer: the in-process EDR network with funded
// accounts whose keys come from keys.cjs. Nothing is compiled; the bench only sends transfers.
const { accountKeys, balanceWei } = require('./keys.cjs');

module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      initialBaseFeePerGas: 0,
      loggingEnabled: false,
      mining: { auto: true },
      accounts: accountKeys().map((privateKey) => ({ privateKey, balance: balanceWei })),
    },
  },
};
