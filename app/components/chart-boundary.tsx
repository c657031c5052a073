import { Component, type ReactNode } from "react";

type Props = { children: ReactNode };
type State = { failed: boolean };

/**
 * The chart is a separate chunk: after a deploy an open tab may ask for one that is gone. The
 * quote above it keeps streaming; only the chart asks for a reload.
 */
export class ChartBoundary extends Component<Props, State> {
  state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="chart-frame chart-failed">
        <p>The chart could not be loaded.</p>
        <button type="button" className="button" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
