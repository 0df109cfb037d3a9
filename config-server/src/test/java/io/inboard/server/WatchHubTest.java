package io.inboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.inboard.core.mesh.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watch hub against a control plane in memory, with a notifier the test holds back, so that a
 * fan-out runs behind the revisions as it can under load.
 */
class WatchHubTest {
  private static final Duration HOLD = Duration.ofSeconds(60);

  private final ControlPlane controlPlane = new LocalControlPlane(new MemoryStore(), 0, List.of(), System::nanoTime);
  private final ExecutorService notifier = Executors.newSingleThreadExecutor();
  private final CountDownLatch gate = new CountDownLatch(1);
  private WatchHub hub;

  @BeforeEach
  void holdTheNotifierBack() {
    notifier.execute(() -> {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    hub = new WatchHub(controlPlane, notifier);
  }

  @AfterEach
  void close() {
    gate.countDown();
    hub.close();
  }

  @Test
  void aLaggingFanOutDoesNotAnswerAWatcherThatHoldsANewerRevision() throws Exception {
    register("a", 1); // revision 1: its fan-out waits behind the gate
    register("b", 1); // revision 2: so does this one
    Recorder watcher = new Recorder();
    hub.watch(watcher, 2, HOLD); // an agent that already got revision 2 asks again
    assertThat(watcher.answers).isEmpty();

    gate.countDown();
    notifierIdle(); // the fan-outs of revisions 1 and 2 ran
    assertThat(watcher.answers).as("answers to a watch for since=2").isEmpty();
    assertThat(hub.waiting()).isEqualTo(1);

    register("c", 1); // revision 3
    notifierIdle();
    assertThat(watcher.answers).containsExactly(3L);
    assertThat(hub.waiting()).isZero();
  }

  @Test
  void aWatcherBehindIsAnsweredAtOnceAndAHeldOneByTheNextRevision() throws Exception {
    gate.countDown();
    register("a", 1);
    Recorder behind = new Recorder();
    hub.watch(behind, 0, HOLD);
    assertThat(behind.answers).containsExactly(1L);

    Recorder held = new Recorder();
    hub.watch(held, 1, HOLD);
    assertThat(held.answers).isEmpty();
    register("a", 2); // a changed port is a change: revision 2
    notifierIdle();
    assertThat(held.answers).containsExactly(2L);
  }

  @Test
  void aHeldWatchIsAnswered304WhenTheHubCloses() {
    Recorder held = new Recorder();
    hub.watch(held, 0, HOLD);
    hub.close();
    assertThat(held.answers).containsExactly(Recorder.NOT_MODIFIED_CLOSING);
  }

  private void register(String id, int port) {
    controlPlane.register(new Instance(id, "user", "traffic-management", "127.0.0.1", port, Map.of()),
        Duration.ofMinutes(5), Caller.LOCAL);
  }

  private void notifierIdle() throws Exception {
    notifier.submit(() -> { }).get(10, TimeUnit.SECONDS);
  }

  /** Records the revision of each snapshot answer, and 304s as negative numbers. */
  private static final class Recorder implements WatchHub.Watch {
    static final long NOT_MODIFIED = -304;
    static final long NOT_MODIFIED_CLOSING = -305;
    final List<Long> answers = new CopyOnWriteArrayList<>();

    @Override
    public void prepareToHold() {}

    @Override
    public void onFailure(Consumer<Throwable> listener) {}

    @Override
    public void sendSnapshot(Published p) {
      answers.add(p.revision());
    }

    @Override
    public void sendNotModified(boolean closing) {
      answers.add(closing ? NOT_MODIFIED_CLOSING : NOT_MODIFIED);
    }

    @Override
    public void abandon(Throwable cause) {
      answers.add(Long.MIN_VALUE);
    }
  }

  private static final class MemoryStore implements ResourceStore {
    @Override
    public StoredState load() {
      return StoredState.EMPTY;
    }

    @Override
    public void commit(StoredState state) {}

    @Override
    public void recordRevision(long revision) {}

    @Override
    public void close() {}
  }
}
