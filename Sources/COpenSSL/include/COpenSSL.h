// The few OpenSSL calls the TLS stream needs, as plain functions: much of OpenSSL's
// configuration API is macros Swift cannot import, and a BIO over our own byte streams
// needs C callbacks. Everything else (state, readiness, errors) is Swift, in `TLS`.
#ifndef C_OPENSSL_H
#define C_OPENSSL_H

#include <stddef.h>
#include <openssl/ssl.h>
#include <openssl/err.h>

/// A TLS context for one side (`server` non-zero: accepts), with the private key, its
/// certificate (chain) and the CA that must have signed the peer's certificate, all PEM
/// files. TLS 1.2 and 1.3 only, ECDHE with AEAD ciphers only, the peer's certificate
/// required and verified, no renegotiation, no session tickets or cache. NULL on failure,
/// with the reason written to `error`.
SSL_CTX *c_openssl_context_new(int server, const char *private_key, const char *certificate,
                               const char *ca_certificate, char *error, size_t error_size);

/// Moves bytes between a BIO and the byte stream behind `context`: `read` fills up to
/// `length` bytes, `write` takes up to `length`; both return the count, or
/// C_OPENSSL_IO_WOULD_BLOCK, C_OPENSSL_IO_CLOSED (read: the peer's end) or
/// C_OPENSSL_IO_FAILED.
typedef int (*c_openssl_io_fn)(void *context, void *bytes, int length);
enum { C_OPENSSL_IO_WOULD_BLOCK = -1, C_OPENSSL_IO_CLOSED = -2, C_OPENSSL_IO_FAILED = -3 };

/// Sets the two functions every stream BIO calls; call once, before any thread makes a
/// BIO.
void c_openssl_set_io(c_openssl_io_fn read, c_openssl_io_fn write);

/// A BIO over the stream behind `context` (not owned), for SSL_set_bio.
BIO *c_openssl_stream_bio(void *context);

/// The last queued OpenSSL error as text ("certificate verify failed"), and clears the
/// queue; with none queued, `fallback`.
void c_openssl_error_text(char *buffer, size_t size, const char *fallback);

/// The peer certificate's subject Common Name into `buffer`; 0 on success, -1 when the
/// peer sent no certificate or it has no CN.
int c_openssl_peer_common_name(SSL *ssl, char *buffer, size_t size);

/// The negotiated protocol and cipher ("TLSv1.3 TLS_AES_256_GCM_SHA384").
void c_openssl_session_text(SSL *ssl, char *buffer, size_t size);

/// Why the peer's certificate was refused ("certificate has expired"), or NULL when it
/// was not.
const char *c_openssl_verify_error(SSL *ssl);

#endif
