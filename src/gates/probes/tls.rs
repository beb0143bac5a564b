//! TLS over a stream a check's point of view opened (on an ssh host: a
//! forward of its connection), so the handshake and the certificate check
//! are end to end between rvmctl and the server.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

use super::ByteStream;

/// `stream` wrapped in TLS to `server_name`, whose certificate must chain to
/// the CAs in `ca_file` (PEM) or, without one, to the OS's roots.
pub async fn connect(
    stream: Box<dyn ByteStream>,
    server_name: &str,
    ca_file: Option<&str>,
) -> Result<Box<dyn ByteStream>, String> {
    let config = client_config(ca_file)?;
    let name = ServerName::try_from(server_name.to_string())
        .map_err(|_| format!("'{server_name}' is not a name or address a certificate can carry"))?;
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, stream)
        .await
        .map_err(|e| format!("TLS handshake with {server_name}: {e}"))?;
    Ok(Box::new(tls))
}

/// A client that verifies servers against `ca_file` (PEM) or the OS's roots.
pub fn client_config(ca_file: Option<&str>) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("cannot read the CA file {path}: {e}"))?;
            if certs.is_empty() {
                return Err(format!("the CA file {path} holds no PEM certificate"));
            }
            for c in certs {
                roots.add(c).map_err(|e| format!("the CA file {path}: {e}"))?;
            }
        }
        None => {
            for c in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(c);
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
