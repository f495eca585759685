// Every string the portal shows goes through i18next. Chinese (zh-CN) is the default; English is
// one click away and the choice is remembered in the browser.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

const zh = {
  app: { title: '政务链', subtitle: '政务区块链门户', language: 'English' },
  nav: { network: '网络', explorer: '浏览器', verify: '文件核验' },
  common: {
    loading: '加载中…', error: '出错了', height: '高度', hash: '哈希', time: '时间',
    none: '无', yes: '是', no: '否', back: '返回',
  },
  network: {
    chain: '链标识', suite: '密码套件', suiteIntl: '国际算法 (Ed25519/SHA-256)',
    suiteGm: '国密算法 (SM2/SM3/SM4)', latestBlock: '最新区块', blockTime: '出块时间',
    throughput: '近几分钟每秒提交交易数', validators: '验证节点', power: '投票权',
    agency: '所属机构', address: '地址', signedLast: '签署最新区块', peers: '对等节点', direction: '方向',
    inbound: '入站', outbound: '出站', mempool: '待处理交易', node: '本节点',
    noPeers: '暂无连接的对等节点', txPerSecond: '笔/秒', peak: '峰值 {{value}} 笔/秒',
  },
  explorer: {
    search: '按区块高度或交易哈希搜索', go: '查询', recentBlocks: '最近区块', txs: '交易数',
    proposer: '提议者', block: '区块', tx: '交易', status: '状态', gas: '燃料',
    events: '事件', receipt: '回执', proof: '证明', proofOk: '已由验证节点签名的区块头证明',
    proofPending: '等待下一个区块签署结果', proofBad: '证明校验失败', notFound: '未找到',
    contract: '合约', method: '方法', committed: '已上链', pending: '待处理', rejected: '已拒绝',
    invalidQuery: '请输入区块高度（数字）或 64 位十六进制交易哈希',
    noTxs: '本区块没有交易',
  },
  verify: {
    title: '核验文件是否已存证', drop: '将文件拖到此处，或点击选择文件',
    hint: '文件只在本浏览器中计算哈希，不会上传。', computing: '正在计算哈希并校验证明…',
    notarized: '该文件已存证', notNotarized: '该文件未存证',
    absence: '已校验“不存在”证明（高度 {{height}}）：链上没有该文件的存证记录。',
    owner: '存证账户', atHeight: '存证区块', atTime: '存证时间', txHash: '交易哈希',
    meta: '附加信息', proofOk: '证明已在浏览器中通过 {{count}} 个验证节点的签名校验',
    documentHash: '文件哈希',
  },
};

const en: typeof zh = {
  app: { title: 'Zhengwu', subtitle: 'Government blockchain portal', language: '中文' },
  nav: { network: 'Network', explorer: 'Explorer', verify: 'Verify a document' },
  common: {
    loading: 'Loading…', error: 'Something went wrong', height: 'Height', hash: 'Hash',
    time: 'Time', none: 'None', yes: 'Yes', no: 'No', back: 'Back',
  },
  network: {
    chain: 'Chain id', suite: 'Crypto suite', suiteIntl: 'International (Ed25519/SHA-256)',
    suiteGm: 'Chinese national (SM2/SM3/SM4)', latestBlock: 'Latest block',
    blockTime: 'Block time', throughput: 'Committed transactions per second, last minutes',
    validators: 'Validators', power: 'Power', agency: 'Agency', address: 'Address', signedLast: 'Signed last block',
    peers: 'Peers', direction: 'Direction', inbound: 'inbound', outbound: 'outbound',
    mempool: 'Pending transactions', node: 'This node', noPeers: 'No peers connected',
    txPerSecond: 'tx/s', peak: 'peak {{value}} tx/s',
  },
  explorer: {
    search: 'Search by block height or transaction hash', go: 'Search',
    recentBlocks: 'Recent blocks', txs: 'Transactions', proposer: 'Proposer', block: 'Block',
    tx: 'Transaction', status: 'Status', gas: 'Gas', events: 'Events', receipt: 'Receipt',
    proof: 'Proof', proofOk: 'Proven against a header signed by the validators',
    proofPending: 'Waiting for the next block to sign the result',
    proofBad: 'Proof does not verify', notFound: 'Not found', contract: 'Contract',
    method: 'Method', committed: 'committed', pending: 'pending', rejected: 'rejected',
    invalidQuery: 'Enter a block height (a number) or a 64-digit hex transaction hash',
    noTxs: 'This block has no transactions',
  },
  verify: {
    title: 'Check whether a document is notarized', drop: 'Drop a file here, or click to choose',
    hint: 'The file is hashed in this browser and never uploaded.',
    computing: 'Hashing the file and checking the proof…',
    notarized: 'This document is notarized', notNotarized: 'This document is not notarized',
    absence: 'Absence proof verified (height {{height}}): the chain holds no record of it.',
    owner: 'Notarized by', atHeight: 'Block', atTime: 'Time', txHash: 'Transaction',
    meta: 'Metadata', proofOk: 'Proof checked in this browser against {{count}} validators',
    documentHash: 'Document hash',
  },
};

const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem('zw.language');

void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zh }, en: { translation: en } },
  lng: stored ?? 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

export function switchLanguage(): void {
  const next = i18next.language === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem('zw.language', next);
  void i18next.changeLanguage(next);
  document.documentElement.lang = next;
}

export default i18next;
