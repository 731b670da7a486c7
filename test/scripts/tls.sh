# shellcheck shell=bash
# Self-signed test PKI for the TLS standalone server: ca.crt/ca.key, server.crt/key (SAN IP:127.0.0.1,
# DNS:localhost), client.crt/key, all signed by the CA. Generated once into $TLS_DIR, reused until `down` (all).

ensure_tls() {
  if [ -s "$TLS_DIR/ca.crt" ] && [ -s "$TLS_DIR/server.crt" ] && [ -s "$TLS_DIR/client.crt" ] && [ -s "$TLS_DIR/client.key" ]; then
    return 0
  fi
  command -v openssl >/dev/null || die "openssl is needed to generate the test certificates (apt-get install -y openssl)"
  mkdir -p "$TLS_DIR"
  local work
  work="$(mktemp -d "$TLS_DIR/.gen.XXXXXX")"
  (
    cd "$work"
    cat >ca.cnf <<'CNF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
CN = redwire test CA
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
CNF
    cat >server.ext <<'EXT'
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
EXT
    cat >client.ext <<'EXT'
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
EXT
    openssl req -x509 -new -nodes -newkey rsa:2048 -keyout ca.key -out ca.crt -days 3650 -sha256 -config ca.cnf
    for who in server client; do
      openssl req -new -nodes -newkey rsa:2048 -keyout "$who.key" -out "$who.csr" -subj "/CN=redwire-test-$who"
      openssl x509 -req -in "$who.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
        -extfile "$who.ext" -out "$who.crt"
    done
    openssl verify -CAfile ca.crt server.crt client.crt
    chmod 600 ./*.key
  ) >"$work/openssl.log" 2>&1 || die "generating test certificates failed; see $work/openssl.log"
  mv "$work"/ca.crt "$work"/ca.key "$work"/server.crt "$work"/server.key "$work"/client.crt "$work"/client.key "$TLS_DIR/"
  rm -rf "$work"
}
