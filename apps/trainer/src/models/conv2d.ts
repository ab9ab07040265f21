import * as tf from '@tensorflow/tfjs';

/**
 * 2-D convolution (NHWC input, [kh, kw, cin, cout] filter, TensorFlow 'same' padding) whose gradient never
 * needs the Conv2DBackpropFilter kernel, which the wasm backend lacks (stack-notes "TensorFlow.js on CPU").
 * The explicit tf.pad keeps the custom op a 'valid' convolution; the pad's own gradient (a slice) is native.
 */
export function conv2dSame(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [, height, width] = x.shape;
  const [kh, kw] = filter.shape;
  const padH = samePadding(height, kh, stride);
  const padW = samePadding(width, kw, stride);
  const padded =
    padH[0] + padH[1] + padW[0] + padW[1] === 0
      ? x
      : tf.pad(x, [
          [0, 0],
          [padH[0], padH[1]],
          [padW[0], padW[1]],
          [0, 0],
        ]);
  return conv2dValid(padded, filter, stride);
}

/** TensorFlow's 'same' padding: output ceil(n / s), the odd extra pixel going to the bottom/right. */
function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const outSize = Math.ceil(size / stride);
  const total = Math.max((outSize - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

const validConvByStride = new Map<number, (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D>();

/**
 * 'valid' convolution with a custom gradient: forward is the native conv2d; the input gradient is the
 * full convolution of the (dilated) dy with the flipped filter; the filter gradient is one matMul of the im2col matrix (the kh·kw shifted,
 * strided views of x side by side) with dy: dF[i, j, c, o] = Σ_{n,y,x} x[n, s·y + i, s·x + j, c] · dy[n, y, x, o].
 */
export function conv2dValid(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number): tf.Tensor4D {
  let op = validConvByStride.get(stride);
  if (op === undefined) {
    const custom = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const input = args[0] as tf.Tensor4D;
      const f = args[1] as tf.Tensor4D;
      const save = args[2] as tf.GradSaveFunc;
      save([input, f]);
      return {
        value: tf.conv2d(input, f, stride, 'valid'),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const savedInput = saved[0] as tf.Tensor4D;
          const savedFilter = saved[1] as tf.Tensor4D;
          const dy4 = dy as tf.Tensor4D;
          return [
            inputGradient(dy4, savedFilter, savedInput.shape, stride),
            filterGradient(savedInput, dy4, savedFilter.shape, stride),
          ];
        },
      };
    });
    op = (a, b) => custom(a, b) as tf.Tensor4D;
    validConvByStride.set(stride, op);
  }
  return op(x, filter);
}

/**
 * ∂L/∂x of a 'valid' strided convolution: dy dilated by the stride (s − 1 zeros between entries), padded by
 * k − 1 (plus the rows/columns the strided forward never reached), convolved with the spatially flipped,
 * in/out-swapped filter. Same numbers as conv2dTranspose, but on wasm it runs through the fast forward Conv2D
 * kernel (measured 39 ms vs 216 ms for a 128×14×14×32 dy and a 3×3×16×32 filter).
 */
export function inputGradient(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: readonly [number, number, number, number],
  stride: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    const [n, outH, outW, cout] = dy.shape;
    let spread: tf.Tensor4D = dy;
    if (stride > 1) {
      const holes = tf.pad(dy.reshape([n, outH, 1, outW, 1, cout]), [
        [0, 0],
        [0, 0],
        [0, stride - 1],
        [0, 0],
        [0, stride - 1],
        [0, 0],
      ]);
      spread = tf.slice(
        holes.reshape([n, outH * stride, outW * stride, cout]) as tf.Tensor4D,
        [0, 0, 0, 0],
        [n, (outH - 1) * stride + 1, (outW - 1) * stride + 1, cout],
      );
    }
    const extraH = inputShape[1] - ((outH - 1) * stride + kh);
    const extraW = inputShape[2] - ((outW - 1) * stride + kw);
    const padded = tf.pad(spread, [
      [0, 0],
      [kh - 1, kh - 1 + extraH],
      [kw - 1, kw - 1 + extraW],
      [0, 0],
    ]);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(padded, flipped, 1, 'valid');
  });
}

/**
 * ∂L/∂filter of a 'valid' strided convolution, by im2col + one matMul (no Conv2DBackpropFilter kernel).
 * The column matrix is built already transposed, [kh·kw·cin, N·Ho·Wo] from x in [cin, N, H, W] order, because
 * wasm's matMul with transposeA on this long-K shape is ~4× slower than a plain one (measured, bench notes).
 */
export function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  stride: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, cin, cout] = filterShape;
    const [n, outH, outW] = dy.shape;
    const channelsFirst = tf.transpose(x, [3, 0, 1, 2]) as tf.Tensor4D;
    const extentH = (outH - 1) * stride + 1;
    const extentW = (outW - 1) * stride + 1;
    const views: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        views.push(
          stride === 1
            ? tf.slice(channelsFirst, [0, 0, i, j], [cin, n, extentH, extentW])
            : (tf.stridedSlice(
                channelsFirst,
                [0, 0, i, j],
                [cin, n, i + extentH, j + extentW],
                [1, 1, stride, stride],
              ) as tf.Tensor4D),
        );
      }
    }
    const rows = n * outH * outW;
    const columns = (views.length === 1 ? views[0] : tf.concat(views, 0)).reshape([kh * kw * cin, rows]);
    const grad = tf.matMul(columns, dy.reshape([rows, cout]));
    return grad.reshape([kh, kw, cin, cout]) as tf.Tensor4D;
  });
}
