import * as tf from '@tensorflow/tfjs';

export type LossName = 'cross_entropy' | 'kl';

/**
 * Mean over the batch of −Σ_c t_c log softmax(z)_c (the seed code's nn.CrossEntropyLoss for one-hot t).
 * Only first derivatives are taken through it: nested tf.grad through logSoftmax is wrong (stack-notes).
 */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/**
 * Mean over the batch of KL(t ‖ softmax(z)) = Σ_c t_c (log t_c − log q_c), with 0·log 0 = 0. Equals the cross
 * entropy minus the targets' entropy, so the two differ only for soft (e.g. label-smoothed) targets.
 */
export function klDivergence(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const safeLog = tf.log(tf.maximum(targets, 1e-30));
    const entropyTerm = tf.sum(
      tf.where(tf.greater(targets, 0), tf.mul(targets, safeLog), tf.zerosLike(targets)),
      1,
    );
    // entropyTerm = Σ t log t = −H(t), so KL = CE − H(t) = CE + entropyTerm.
    return tf.add(crossEntropy(logits, targets), tf.mean(entropyTerm)) as tf.Scalar;
  });
}

export function lossFunction(name: LossName): (logits: tf.Tensor2D, targets: tf.Tensor2D) => tf.Scalar {
  return name === 'kl' ? klDivergence : crossEntropy;
}
