fn main() -> anyhow::Result<()> {
    let a: Vec<String> = std::env::args().collect();
    let x = wyrd_render::read_wav(std::path::Path::new(&a[1]))?;
    let y = wyrd_render::read_wav(std::path::Path::new(&a[2]))?;
    let first = x.left.iter().zip(&y.left).position(|(p, q)| p != q);
    println!("frames {} {}, first diff {:?}", x.left.len(), y.left.len(), first);
    let w = 4800;
    for (i, (cx, cy)) in x.left.chunks(w).zip(y.left.chunks(w)).enumerate() {
        let rms = |c: &[f32]| (c.iter().map(|v| v * v).sum::<f32>() / c.len() as f32).sqrt();
        let d: Vec<f32> = cx.iter().zip(cy).map(|(p, q)| p - q).collect();
        println!("{:>5.1}s rms x {:.4} y {:.4} diff {:.5}", i as f64 * 0.1, rms(cx), rms(cy), rms(&d));
    }
    println!("mel-LSD {}", wyrd_analysis::mel_lsd(&x.left, &y.left, 48000));
    Ok(())
}
