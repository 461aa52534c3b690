/**
 * Loss functions and metric counts shared by the models. Shapes: logits (b, C) with int32 labels (b); regression
 * predictions and targets of the same size (any shape, compared elementwise).
 */
import { tf } from './tf';

/** Mean softmax cross-entropy, −mean log softmax(logits)[label] (PyTorch's log_softmax + NLL). */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const classes = logits.shape[logits.shape.length - 1];
  const logp = tf.logSoftmax(logits as tf.Tensor2D);
  const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, classes)), -1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/** Mean squared error over every element, mean((pred − target)²) (PyTorch's MSELoss, no ½). */
export function meanSquaredError(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(pred, tf.reshape(target, pred.shape))) as tf.Scalar;
}

/** Number of rows whose arg-max logit is the label, as a float32 scalar (summed on the device). */
export function correctCount(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const hit = tf.equal(tf.argMax(logits, -1), tf.cast(labels, 'int32'));
  return tf.sum(tf.cast(hit, 'float32')) as tf.Scalar;
}
