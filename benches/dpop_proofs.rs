//! DPoP proofs per second (RFC 9449): a proof for a resource request (htm, htu, iat, jti,
//! ath, a server nonce) signed with each key type, single-threaded, as `headers` and `call`
//! make them; and the same request's Bearer header for scale.
//!
//! Run: `cargo bench --bench dpop_proofs` (env `ROUNDS=20000`).

use std::time::Instant;

use oauth_desk::provider::DpopAlg;
use oauth_desk::secret::Secret;
use oauth_desk_core::dpop::DpopKey;

fn main() {
    let rounds: u32 = std::env::var("ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let url = url::Url::parse("https://api.example.com/v1/accounts?page=2").unwrap();
    let token = Secret::new("eyJhbGciOiJFUzI1NiJ9.".to_owned() + &"a".repeat(600) + ".sig");
    println!("| proof ({rounds} rounds, one thread) | proofs/s | µs per proof |");
    println!("|---|---|---|");
    for alg in [DpopAlg::ES256, DpopAlg::EdDSA, DpopAlg::PS256] {
        let key = DpopKey::generate(alg).unwrap();
        let rounds = if alg == DpopAlg::PS256 {
            rounds / 10
        } else {
            rounds
        };
        let started = Instant::now();
        for _ in 0..rounds {
            let proof = key
                .proof("GET", &url, Some(&token), Some("server-nonce-0123456789"))
                .unwrap();
            std::hint::black_box(proof);
        }
        let per = started.elapsed().as_secs_f64() / f64::from(rounds);
        println!("| {alg} | {:.0} | {:.1} |", 1.0 / per, per * 1e6);
    }
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(Secret::new(format!("Bearer {}", token.expose())));
    }
    let per = started.elapsed().as_secs_f64() / f64::from(rounds);
    println!(
        "| Bearer header (no proof) | {:.0} | {:.2} |",
        1.0 / per,
        per * 1e6
    );
}
