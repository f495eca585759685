// Standard SM2 (GB/T 32918 / GM/T 0003) for Zhengwu, on the OpenSSL linked into Node.
//
// Node's own crypto API cannot sign SM2 with the standard default user id 1234567812345678, so
// this addon calls OpenSSL's EVP layer directly: key generation, signatures (DER over
// SM3(Z_A || M) with the default id), verification, and SM2 public-key encryption in OpenSSL's
// C1C3C2 ASN.1 format. Keys cross the boundary as raw bytes (32-byte private scalar, 65-byte
// uncompressed public point); parsed EVP_PKEY objects are cached per addon instance because
// building a key costs about as much as a verification.
//
// The addon is context-aware: all state lives in the per-environment instance, so every worker
// thread that loads it gets its own caches and nothing is shared between threads.
// Every entry point clears OpenSSL's per-thread error queue before it returns, so a failure
// here can never leak a stale error into Node's own crypto calls on the same thread.
#include <napi.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <cstring>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

constexpr size_t kPrivateKeyBytes = 32;
constexpr size_t kPublicKeyBytes = 65;
// GB/T 32918.2 default distinguishing identifier, used when the signer names none.
constexpr char kDefaultId[] = "1234567812345678";
constexpr int kDefaultIdBytes = 16;
// Public keys of validators and recent transaction senders; about 1-2 KiB of memory each.
constexpr size_t kPublicKeyCacheEntriesMax = 4096;
// A node signs with one or two keys; a few more cover tools that sign for several accounts.
constexpr size_t kPrivateKeyCacheEntriesMax = 16;
constexpr int kKeyGenerationAttemptsMax = 64;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BnClearFree {
  void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
struct BnCtxFree {
  void operator()(BN_CTX* p) const { BN_CTX_free(p); }
};
struct PointFree {
  void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
struct ParamBuildFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnClearFree>;
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxFree>;
using PointPtr = std::unique_ptr<EC_POINT, PointFree>;
using ParamBuildPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBuildFree>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamFree>;

// Clears OpenSSL's thread-local error queue when a call leaves, whatever path it leaves by.
class ErrorQueueGuard {
 public:
  ErrorQueueGuard() = default;
  ErrorQueueGuard(const ErrorQueueGuard&) = delete;
  ErrorQueueGuard& operator=(const ErrorQueueGuard&) = delete;
  ~ErrorQueueGuard() { ERR_clear_error(); }
};

// A least-recently-used map from raw key bytes to a parsed key. When it holds private keys the
// map keys are secrets, so they are wiped before their memory is released.
class KeyCache {
 public:
  KeyCache(size_t capacity, bool secret) : capacity_(capacity), secret_(secret) {}
  KeyCache(const KeyCache&) = delete;
  KeyCache& operator=(const KeyCache&) = delete;
  ~KeyCache() {
    for (auto& entry : order_) Wipe(&entry.first);
  }

  EVP_PKEY* Find(const std::string& bytes) {
    auto found = index_.find(bytes);
    if (found == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, found->second);
    return found->second->second.get();
  }

  EVP_PKEY* Insert(const std::string& bytes, PkeyPtr key) {
    if (order_.size() >= capacity_) {
      auto& oldest = order_.back();
      index_.erase(oldest.first);
      Wipe(&oldest.first);
      order_.pop_back();
    }
    order_.emplace_front(bytes, std::move(key));
    index_.emplace(order_.front().first, order_.begin());
    return order_.front().second.get();
  }

 private:
  void Wipe(std::string* bytes) const {
    if (secret_ && !bytes->empty()) OPENSSL_cleanse(&(*bytes)[0], bytes->size());
  }

  using Entry = std::pair<std::string, PkeyPtr>;
  size_t capacity_;
  bool secret_;
  std::list<Entry> order_;
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

// Reads a Uint8Array (or Buffer) argument without copying it.
bool ReadBytes(const Napi::Value& value, const uint8_t** data, size_t* length) {
  static const uint8_t kEmpty[1] = {0};
  if (!value.IsTypedArray()) return false;
  if (value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) return false;
  Napi::Uint8Array array = value.As<Napi::Uint8Array>();
  *length = array.ByteLength();
  *data = *length == 0 ? kEmpty : array.Data();
  return true;
}

Napi::Uint8Array ToUint8Array(Napi::Env env, const uint8_t* data, size_t length) {
  Napi::Uint8Array out = Napi::Uint8Array::New(env, length);
  if (length > 0) std::memcpy(out.Data(), data, length);
  return out;
}

Napi::Value ThrowTypeError(Napi::Env env, const char* message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowError(Napi::Env env, const char* message) {
  Napi::Error::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

std::string AsKey(const uint8_t* data, size_t length) {
  return std::string(reinterpret_cast<const char*>(data), length);
}

class Sm2Addon : public Napi::Addon<Sm2Addon> {
 public:
  Sm2Addon(Napi::Env env, Napi::Object exports)
      : public_cache_(kPublicKeyCacheEntriesMax, false),
        private_cache_(kPrivateKeyCacheEntriesMax, true) {
    ErrorQueueGuard guard;
    group_ = EC_GROUP_new_by_curve_name(NID_sm2);
    sm3_ = EVP_MD_fetch(nullptr, "SM3", nullptr);
    order_minus_one_ = BN_new();
    if (group_ == nullptr || sm3_ == nullptr || order_minus_one_ == nullptr
        || BN_copy(order_minus_one_, EC_GROUP_get0_order(group_)) == nullptr
        || !BN_sub_word(order_minus_one_, 1)) {
      Napi::Error::New(env, "this OpenSSL has no SM2 curve or SM3").ThrowAsJavaScriptException();
      return;
    }
    DefineAddon(exports, {
        InstanceMethod("generateKeyPair", &Sm2Addon::GenerateKeyPair),
        InstanceMethod("publicKeyOf", &Sm2Addon::PublicKeyOf),
        InstanceMethod("sign", &Sm2Addon::Sign),
        InstanceMethod("verify", &Sm2Addon::Verify),
        InstanceMethod("encrypt", &Sm2Addon::Encrypt),
        InstanceMethod("decrypt", &Sm2Addon::Decrypt),
    });
  }

  ~Sm2Addon() {
    EC_GROUP_free(group_);
    EVP_MD_free(sm3_);
    BN_free(order_minus_one_);
  }

 private:
  // { privateKey: 32 bytes, publicKey: 65 bytes } with the scalar drawn from OpenSSL's private
  // DRBG and rejected until it lies in [1, n-2], the range GB/T 32918 requires.
  Napi::Value GenerateKeyPair(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    ErrorQueueGuard guard;
    uint8_t secret[kPrivateKeyBytes];
    uint8_t point[kPublicKeyBytes];
    for (int attempt = 0; attempt < kKeyGenerationAttemptsMax; attempt++) {
      if (RAND_priv_bytes(secret, sizeof secret) != 1) break;
      if (!DerivePublicKey(secret, point)) continue;
      Napi::Object pair = Napi::Object::New(env);
      pair.Set("privateKey", ToUint8Array(env, secret, sizeof secret));
      pair.Set("publicKey", ToUint8Array(env, point, sizeof point));
      OPENSSL_cleanse(secret, sizeof secret);
      return pair;
    }
    OPENSSL_cleanse(secret, sizeof secret);
    return ThrowError(env, "SM2 key generation failed");
  }

  Napi::Value PublicKeyOf(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    ErrorQueueGuard guard;
    const uint8_t* secret;
    size_t length;
    if (!ReadBytes(info[0], &secret, &length)) return ThrowTypeError(env, "expected bytes");
    uint8_t point[kPublicKeyBytes];
    if (length != kPrivateKeyBytes || !DerivePublicKey(secret, point)) {
      return ThrowError(env, "invalid SM2 private key");
    }
    return ToUint8Array(env, point, sizeof point);
  }

  // sign(privateKey, message) -> DER SEQUENCE { r, s } over SM3(Z_A || message), default id.
  Napi::Value Sign(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    ErrorQueueGuard guard;
    const uint8_t* secret;
    const uint8_t* message;
    size_t secret_length;
    size_t message_length;
    if (!ReadBytes(info[0], &secret, &secret_length)
        || !ReadBytes(info[1], &message, &message_length)) {
      return ThrowTypeError(env, "expected bytes");
    }
    EVP_PKEY* key = PrivateKey(secret, secret_length);
    if (key == nullptr) return ThrowError(env, "invalid SM2 private key");
    std::vector<uint8_t> signature;
    if (!DigestSignOrVerify(key, message, message_length, &signature, nullptr, 0)) {
      return ThrowError(env, "SM2 signing failed");
    }
    return ToUint8Array(env, signature.data(), signature.size());
  }

  // verify(publicKey, message, signature) -> boolean. Malformed input of any kind is simply an
  // invalid signature: this never throws, because its input comes from the network.
  Napi::Value Verify(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    ErrorQueueGuard guard;
    const uint8_t* point;
    const uint8_t* message;
    const uint8_t* signature;
    size_t point_length;
    size_t message_length;
    size_t signature_length;
    if (!ReadBytes(info[0], &point, &point_length)
        || !ReadBytes(info[1], &message, &message_length)
        || !ReadBytes(info[2], &signature, &signature_length)) {
      return Napi::Boolean::New(env, false);
    }
    EVP_PKEY* key = PublicKey(point, point_length);
    if (key == nullptr || signature_length == 0) return Napi::Boolean::New(env, false);
    bool valid = DigestSignOrVerify(key, message, message_length, nullptr, signature,
                                    signature_length);
    return Napi::Boolean::New(env, valid);
  }

  // encrypt(publicKey, plaintext) -> ASN.1 SEQUENCE { x, y, C3 = SM3 hash, C2 }, as OpenSSL
  // writes it and `openssl pkeyutl -decrypt` reads it.
  Napi::Value Encrypt(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    ErrorQueueGuard guard;
    const uint8_t* point;
    const uint8_t* plaintext;
    size_t point_length;
    size_t plaintext_length;
    if (!ReadBytes(info[0], &point, &point_length)
        || !ReadBytes(info[1], &plaintext, &plaintext_length)) {
      return ThrowTypeError(env, "expected bytes");
    }
    EVP_PKEY* key = PublicKey(point, point_length);
    if (key == nullptr) return ThrowError(env, "invalid SM2 public key");
    std::vector<uint8_t> out;
    if (!Crypt(key, true, plaintext, plaintext_length, &out)) {
      return ThrowError(env, "SM2 encryption failed");
    }
    return ToUint8Array(env, out.data(), out.size());
  }

  Napi::Value Decrypt(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    ErrorQueueGuard guard;
    const uint8_t* secret;
    const uint8_t* ciphertext;
    size_t secret_length;
    size_t ciphertext_length;
    if (!ReadBytes(info[0], &secret, &secret_length)
        || !ReadBytes(info[1], &ciphertext, &ciphertext_length)) {
      return ThrowTypeError(env, "expected bytes");
    }
    EVP_PKEY* key = PrivateKey(secret, secret_length);
    if (key == nullptr) return ThrowError(env, "invalid SM2 private key");
    std::vector<uint8_t> out;
    bool ok = Crypt(key, false, ciphertext, ciphertext_length, &out);
    Napi::Value result = ok ? Napi::Value(ToUint8Array(env, out.data(), out.size()))
                            : ThrowError(env, "SM2 decryption failed");
    OPENSSL_cleanse(out.data(), out.size());
    return result;
  }

  // Computes the uncompressed public point of a 32-byte scalar; false if the scalar is outside
  // [1, n-2] (SM2 needs 1 + d to be invertible mod n, which excludes n - 1).
  bool DerivePublicKey(const uint8_t* secret, uint8_t* point_out) {
    BnPtr scalar(BN_bin2bn(secret, static_cast<int>(kPrivateKeyBytes), nullptr));
    BnCtxPtr bn_context(BN_CTX_new());
    PointPtr point(EC_POINT_new(group_));
    if (!scalar || !bn_context || !point) return false;
    BN_set_flags(scalar.get(), BN_FLG_CONSTTIME);
    if (BN_is_zero(scalar.get()) || BN_cmp(scalar.get(), order_minus_one_) >= 0) return false;
    if (EC_POINT_mul(group_, point.get(), scalar.get(), nullptr, nullptr, bn_context.get()) != 1) {
      return false;
    }
    size_t written = EC_POINT_point2oct(group_, point.get(), POINT_CONVERSION_UNCOMPRESSED,
                                        point_out, kPublicKeyBytes, bn_context.get());
    return written == kPublicKeyBytes;
  }

  // Parses (and caches) a 65-byte uncompressed point. OpenSSL rejects points off the curve
  // when it imports them; the SM2 curve has cofactor 1, so on the curve means in the group.
  EVP_PKEY* PublicKey(const uint8_t* point, size_t length) {
    if (length != kPublicKeyBytes || point[0] != 0x04) return nullptr;
    std::string cache_key = AsKey(point, length);
    if (EVP_PKEY* cached = public_cache_.Find(cache_key)) return cached;
    ParamBuildPtr build(OSSL_PARAM_BLD_new());
    if (!build
        || !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, SN_sm2, 0)
        || !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point,
                                             length)) {
      return nullptr;
    }
    PkeyPtr key = FromData(build.get(), EVP_PKEY_PUBLIC_KEY);
    if (!key) return nullptr;
    return public_cache_.Insert(cache_key, std::move(key));
  }

  EVP_PKEY* PrivateKey(const uint8_t* secret, size_t length) {
    if (length != kPrivateKeyBytes) return nullptr;
    std::string cache_key = AsKey(secret, length);
    EVP_PKEY* found = private_cache_.Find(cache_key);
    if (found == nullptr) found = ImportPrivateKey(secret, cache_key);
    OPENSSL_cleanse(&cache_key[0], cache_key.size());
    return found;
  }

  EVP_PKEY* ImportPrivateKey(const uint8_t* secret, const std::string& cache_key) {
    uint8_t point[kPublicKeyBytes];
    if (!DerivePublicKey(secret, point)) return nullptr;
    BnPtr scalar(BN_secure_new());
    ParamBuildPtr build(OSSL_PARAM_BLD_new());
    if (!scalar || !build
        || BN_bin2bn(secret, static_cast<int>(kPrivateKeyBytes), scalar.get()) == nullptr
        || !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, SN_sm2, 0)
        || !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar.get())
        || !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point,
                                             sizeof point)) {
      return nullptr;
    }
    PkeyPtr key = FromData(build.get(), EVP_PKEY_KEYPAIR);
    if (!key) return nullptr;
    return private_cache_.Insert(cache_key, std::move(key));
  }

  static PkeyPtr FromData(OSSL_PARAM_BLD* build, int selection) {
    ParamPtr params(OSSL_PARAM_BLD_to_param(build));
    PkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1
        || EVP_PKEY_fromdata(context.get(), &key, selection, params.get()) != 1) {
      EVP_PKEY_free(key);
      return PkeyPtr();
    }
    return PkeyPtr(key);
  }

  // One-shot SM2 sign (signature_out set) or verify (signature_in set) of a whole message.
  // The default id is set on the key context BEFORE the digest-sign init, which is when
  // OpenSSL 3 computes Z_A from it; this is the same sequence `openssl pkeyutl -rawin` runs.
  bool DigestSignOrVerify(EVP_PKEY* key, const uint8_t* message, size_t message_length,
                          std::vector<uint8_t>* signature_out, const uint8_t* signature_in,
                          size_t signature_in_length) {
    // The key context is declared first so that it outlives the digest context that borrows it.
    PkeyCtxPtr key_context(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    MdCtxPtr digest_context(EVP_MD_CTX_new());
    if (!key_context || !digest_context) return false;
    if (EVP_PKEY_CTX_set1_id(key_context.get(), kDefaultId, kDefaultIdBytes) <= 0) return false;
    EVP_MD_CTX_set_pkey_ctx(digest_context.get(), key_context.get());
    if (signature_out == nullptr) {
      if (EVP_DigestVerifyInit(digest_context.get(), nullptr, sm3_, nullptr, key) != 1) {
        return false;
      }
      return EVP_DigestVerify(digest_context.get(), signature_in, signature_in_length, message,
                              message_length) == 1;
    }
    if (EVP_DigestSignInit(digest_context.get(), nullptr, sm3_, nullptr, key) != 1) return false;
    size_t length = 0;
    if (EVP_DigestSign(digest_context.get(), nullptr, &length, message, message_length) != 1) {
      return false;
    }
    signature_out->resize(length);
    if (EVP_DigestSign(digest_context.get(), signature_out->data(), &length, message,
                       message_length) != 1) {
      return false;
    }
    signature_out->resize(length);
    return true;
  }

  // SM2 public-key encryption or decryption; OpenSSL's default digest for it is SM3.
  static bool Crypt(EVP_PKEY* key, bool encrypt, const uint8_t* in, size_t in_length,
                    std::vector<uint8_t>* out) {
    PkeyCtxPtr context(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!context) return false;
    int initialized = encrypt ? EVP_PKEY_encrypt_init(context.get())
                              : EVP_PKEY_decrypt_init(context.get());
    if (initialized != 1) return false;
    auto run = encrypt ? EVP_PKEY_encrypt : EVP_PKEY_decrypt;
    size_t length = 0;
    if (run(context.get(), nullptr, &length, in, in_length) != 1) return false;
    // One spare byte keeps the buffer non-null for an empty plaintext: given a null buffer
    // OpenSSL only reports the size and would skip the C3 integrity check.
    out->resize(length + 1);
    if (run(context.get(), out->data(), &length, in, in_length) != 1) return false;
    out->resize(length);
    return true;
  }

  EC_GROUP* group_ = nullptr;
  EVP_MD* sm3_ = nullptr;
  BIGNUM* order_minus_one_ = nullptr;
  KeyCache public_cache_;
  KeyCache private_cache_;
};

}  // namespace

NODE_API_ADDON(Sm2Addon)
