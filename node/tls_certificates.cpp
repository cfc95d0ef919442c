#include "node/tls_certificates.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>

#include "core/files.h"

namespace cachectl::node {
namespace {

namespace fs = std::filesystem;

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

constexpr long kDay = 24L * 3600;
constexpr long kAuthorityLifetime = 3650 * kDay;
constexpr long kNodeLifetime = 365 * kDay;
constexpr long kRenewBefore = 30 * kDay;

core::ApiError broken(const fs::path& file, const std::string& why) {
  return {core::kRegistryFileInvalid, file.string() + ": " + why};
}

core::ApiError cannot_write(const fs::path& file) {
  return {core::kInvalidConfiguration,
          "cannot write " + file.string() + ": " + std::strerror(errno)};
}

Key new_key() { return Key(EVP_EC_gen("P-256")); }

// The PEM text of a key followed by a certificate.
std::string pem_of(EVP_PKEY* key, X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  if (key && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return {};
  if (cert && PEM_write_bio_X509(bio.get(), cert) != 1) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

Key read_key(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

Cert read_cert(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A certificate for `key`, signed by `issuer_key` (`issuer` null: itself).
Cert issue(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key,
           long lifetime, const std::vector<std::pair<int, std::string>>& extensions) {
  Cert cert(X509_new());
  if (!cert) return nullptr;
  X509_set_version(cert.get(), 2);  // v3
  // A random 64-bit serial: re-issued certificates never repeat one.
  BIGNUM* serial = BN_new();
  bool ok = serial && BN_rand(serial, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get())) != nullptr;
  BN_free(serial);
  if (!ok) return nullptr;
  // An hour back: a clock a little behind still accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), lifetime);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("cachectl"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  if (X509_set_pubkey(cert.get(), key) != 1) return nullptr;
  for (const auto& [nid, value] : extensions)
    if (!add_extension(cert.get(), issuer ? issuer : cert.get(), nid, value)) return nullptr;
  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) <= 0) return nullptr;
  return cert;
}

struct Authority {
  Key key;
  Cert cert;
  std::string cert_pem;
};

// STATE/tls/ca.key, made the first time (exclusively: of two daemons
// starting at once, both use the one that was written first), and
// STATE/tls/ca.pem beside it.
core::Result<Authority> load_or_create_authority(const core::StateHome& home) {
  const fs::path dir = home.tls_dir();
  const fs::path bundle = dir / "ca.key";
  std::error_code ec;
  fs::create_directories(dir, ec);
  auto text = core::read_file(bundle);
  if (!text && errno != ENOENT) return broken(bundle, std::strerror(errno));
  if (!text) {
    Key key = new_key();
    Cert cert = key ? issue(key.get(),
                            "cachectl local certificate authority (" + home.root().string() + ")",
                            nullptr, nullptr, kAuthorityLifetime,
                            {{NID_basic_constraints, "critical,CA:TRUE"},
                             {NID_key_usage, "critical,keyCertSign,cRLSign"},
                             {NID_subject_key_identifier, "hash"}})
                    : nullptr;
    std::string pem = cert ? pem_of(key.get(), cert.get()) : std::string();
    if (pem.empty()) return core::ApiError{core::kInvalidConfiguration, "cannot make a key"};
    if (core::create_file_exclusive(bundle, pem) == core::CreateResult::kFailed)
      return cannot_write(bundle);
    text = core::read_file(bundle);
    if (!text) return broken(bundle, std::strerror(errno));
  }
  Authority a{read_key(*text), read_cert(*text), {}};
  if (!a.key || !a.cert || X509_check_private_key(a.cert.get(), a.key.get()) != 1)
    return broken(bundle, "not a key and certificate that match (remove " + dir.string() +
                              " to make a new certificate authority; engines take new certificates "
                              "at their next start)");
  a.cert_pem = pem_of(nullptr, a.cert.get());
  const fs::path public_file = dir / "ca.pem";
  auto published = core::read_file(public_file);
  if (!published || *published != a.cert_pem) {
    // Derived from ca.key: made again if lost, so no fsync.
    if (!core::replace_file(public_file, a.cert_pem)) return cannot_write(public_file);
  }
  return a;
}

// The IPv4 subject alternative names of `cert`.
std::set<std::string> addresses_of(X509* cert) {
  std::set<std::string> out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type != GEN_IPADD || ASN1_STRING_length(n->d.iPAddress) != 4) continue;
    char text[INET_ADDRSTRLEN];
    if (::inet_ntop(AF_INET, ASN1_STRING_get0_data(n->d.iPAddress), text, sizeof text))
      out.insert(text);
  }
  GENERAL_NAMES_free(names);
  return out;
}

// Whether the engine's file can be kept as it is.
bool still_good(const std::string& pem, const Authority& ca, const std::set<std::string>& wanted) {
  Key key = read_key(pem);
  Cert cert = read_cert(pem);
  if (!key || !cert || X509_check_private_key(cert.get(), key.get()) != 1) return false;
  EVP_PKEY* ca_public = X509_get0_pubkey(ca.cert.get());
  if (!ca_public || X509_verify(cert.get(), ca_public) != 1) return false;
  std::time_t renew_at = std::time(nullptr) + kRenewBefore;
  if (X509_cmp_time(X509_get0_notAfter(cert.get()), &renew_at) <= 0) return false;
  return addresses_of(cert.get()) == wanted;
}

}  // namespace

core::Result<TlsFiles> ensure_tls_files(const core::StateHome& home, const fs::path& dir,
                                        const std::vector<std::string>& addresses) {
  auto ca = load_or_create_authority(home);
  if (!ca) return ca.error();
  TlsFiles files{home.ca_certificate_file(), dir / "tls.pem"};
  std::set<std::string> wanted(addresses.begin(), addresses.end());
  wanted.erase("");
  if (auto existing = core::read_file(files.certificate);
      existing && still_good(*existing, *ca, wanted))
    return files;
  std::string names;
  for (const auto& a : wanted) names += (names.empty() ? "IP:" : ",IP:") + a;
  if (names.empty()) return core::ApiError{core::kInvalidConfiguration, "no address to certify"};
  Key key = new_key();
  Cert cert = key ? issue(key.get(), *wanted.begin(), ca->cert.get(), ca->key.get(), kNodeLifetime,
                          {{NID_basic_constraints, "critical,CA:FALSE"},
                           {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                           // Engines are servers to clients and clients of each
                           // other (replication, the cluster bus, MIGRATE).
                           {NID_ext_key_usage, "serverAuth,clientAuth"},
                           {NID_subject_alt_name, names},
                           {NID_authority_key_identifier, "keyid"}})
                  : nullptr;
  std::string pem = cert ? pem_of(key.get(), cert.get()) + ca->cert_pem : std::string();
  if (pem.empty())
    return core::ApiError{core::kInvalidConfiguration,
                          "cannot issue a certificate for " + dir.string()};
  // Without fsyncs (they would lengthen every TLS node's start): a file lost
  // or torn by a power cut is simply issued again at the next start.
  if (!core::replace_file(files.certificate, pem)) return cannot_write(files.certificate);
  return files;
}

}  // namespace cachectl::node
